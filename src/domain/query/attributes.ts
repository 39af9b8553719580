/**
 * The top-level attribute names of a resource, for refusing filters and selectors that name none
 * (SOL013 5.2/5.3: an attribute the resource does not have is a 400, not an empty or full list).
 *
 * @example
 * const names = attributeNames<{ id: string; name?: string }>()(['id', 'name']);
 */
export function attributeNames<T>() {
  // NOTE: the second call lets TypeScript check the list against T in both directions: every name
  // is an attribute (satisfies), and every attribute is named (the conditional type below)
  return <const L extends ReadonlyArray<keyof T & string>>(
    list: L & ([Exclude<keyof T, L[number]>] extends [never] ? unknown : never),
  ): ReadonlySet<string> => new Set(list);
}

/** The first attribute of `paths` (each a list of path segments) that `known` does not have. */
export function unknownAttribute(
  paths: ReadonlyArray<readonly string[]>,
  known: ReadonlySet<string>,
): string | undefined {
  return paths.map((p) => p[0] as string).find((head) => !known.has(head));
}
