/** `href` resolved against `base`; undefined when it cannot be resolved to an absolute URL. */
export function absoluteUrl(href: string | undefined, base: string | undefined): string | undefined {
  const trimmed = href?.trim();
  if (!trimmed) return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}
