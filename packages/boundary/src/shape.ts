/**
 * What a module exports, as described by the guest at build time. The host facade is generated from it,
 * so the app sees the same names, the same function/object structure and the same constants.
 */
export type ExportShape =
  /** `length`: declared parameters, which curry and compose helpers read. */
  | { kind: 'function'; props: Record<string, ExportShape>; length?: number }
  | { kind: 'object'; props: Record<string, ExportShape> }
  | { kind: 'value'; value: string /* encoded */ }
  /** A class instance or another object with behaviour: the host reaches it by path, through a proxy. */
  | { kind: 'live' };

export interface ModuleShape {
  /** The import specifier this root answers, e.g. "yaml" or "lodash/fp". */
  specifier: string;
  /** "esm": the root is a namespace; "cjs": the root is module.exports. */
  format: 'esm' | 'cjs';
  root: ExportShape;
}
