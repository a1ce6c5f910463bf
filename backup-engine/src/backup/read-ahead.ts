/**
 * Overlaps fetching with processing: keeps up to `depth` pages of a paged round requested while the consumer works
 * on the current one. Delta pages still arrive strictly in order (each needs the previous page's nextLink, and an
 * async generator serves queued `next()` calls one after another), so this only hides the consumer's own time.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth = 2): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  const request = () => {
    const next = iterator.next();
    next.catch(() => undefined);
    queue.push(next);
  };
  try {
    for (let i = 0; i < depth; i++) request();
    for (;;) {
      const result = await queue.shift()!;
      if (result.done) return;
      request();
      yield result.value;
    }
  } finally {
    await iterator.return?.();
  }
}
