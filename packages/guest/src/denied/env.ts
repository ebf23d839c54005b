// Stands in for isolate:guest/env when the policy grants no environment variables.
import { reportDenial } from 'isolate:guest/boundary';

export function get(name: string): string | undefined {
  reportDenial('env', name);
  return undefined;
}

export function names(): string[] {
  reportDenial('env', '*');
  return [];
}
