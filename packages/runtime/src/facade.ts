import { decode, type ExportShape } from '@isolate-deps/boundary';
import { IsolatedPackage } from './isolated-package.ts';

/**
 * Builds the host-side value of a root module from its shape: functions become host functions that
 * call into the component (sync stays sync), objects keep their structure, constants are copied.
 */
export function facadeOf(pkg: IsolatedPackage, rootIndex: number, shape: ExportShape): unknown {
  return build(pkg, shape, `${rootIndex}:`, '');
}

function build(pkg: IsolatedPackage, shape: ExportShape, prefix: string, path: string): unknown {
  if (shape.kind === 'value') return decode(shape.value);
  const target = `${prefix}${path}`;
  const value: Record<string, unknown> =
    shape.kind === 'function'
      ? (Object.defineProperty(
          function isolated(...args: unknown[]) {
            return pkg.call(target, args);
          },
          'name',
          { value: path.split('.').pop() ?? '' },
        ) as unknown as Record<string, unknown>)
      : {};
  for (const [key, child] of Object.entries(shape.props)) {
    if (key === '__proto__') continue;
    const childPath = path === '' ? key : `${path}.${key}`;
    const childValue = build(pkg, child, prefix, childPath);
    // __esModule and friends are non-enumerable in real modules; keep that so interop behaves the same.
    Object.defineProperty(value, key, { value: childValue, enumerable: key !== '__esModule', writable: true, configurable: true });
  }
  return value;
}
