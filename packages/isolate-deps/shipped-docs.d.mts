// Types of shipped-docs.mjs, for the packed-tarball test.
export const SHIPPED_DOC_ROOTS: string[];
export function relativeLinks(markdown: string): string[];
export function linkedPath(fromFile: string, target: string): string;
export function linkedFiles(root: string, start?: string): string[];
export function copyLinkedDocs(root: string, destination: string): string[];
