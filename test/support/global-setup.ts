/** Starts nothing yet; the Redis suites add a loopback redis-server here. */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
