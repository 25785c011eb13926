/**
 * Runs `build` once, on the first invocation, and hands every later one the same result: the
 * clients, configuration and secrets of one Lambda environment. A build that fails is
 * forgotten, so the next invocation tries again instead of failing for the environment's life.
 */
export function onColdStart<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;

  return function coldStartValue() {
    if (built === undefined) {
      built = build();
      built.catch(() => {
        built = undefined;
      });
    }
    return built;
  };
}
