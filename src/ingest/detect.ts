import type { SourceFormat } from '../types.js';

/** Picks the parser by extension, then by the first characters for files without a known one. */
export function detectFormat(path: string, head: string): SourceFormat {
  const ext = path.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === 'md' || ext === 'markdown') return 'markdown';
  if (ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'txt') return 'text';
  const start = head.replace(/^\uFEFF/, '').trimStart().slice(0, 64).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'html';
  if (/^---\r?\n/.test(head.replace(/^\uFEFF/, ''))) return 'markdown';
  return 'text';
}

/** Files in the seeds folder that are documents (sidecars and dotfiles are not). */
export function isDocumentPath(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  if (name.startsWith('.')) return false;
  if (/\.meta\.(json|ya?ml)$/i.test(name)) return false;
  return /\.(txt|md|markdown|html?)$/i.test(name) || !name.includes('.');
}
