// Bodies that fail the spec in many places, and the CPU a piece of work costs: for the tests that
// hold validation (and the fake, which validates every body) to linear time and capped reports.

/** A create body whose `scope` list holds `n` numbers, each a wrong item (scopes are strings). */
export const wrongScopes = (n: number) => ({
  auth_config: { id: "ac_owngmail" },
  connection: {
    state: {
      authScheme: "OAUTH2",
      val: { status: "ACTIVE", access_token: "t", scope: Array.from({ length: n }, (_, i) => i) },
    },
  },
});

/** The CPU time `work` took in this process, user and system, in ms. */
export function cpuMs<T>(work: () => T): { result: T; ms: number } {
  const start = process.cpuUsage();
  const result = work();
  const { user, system } = process.cpuUsage(start);
  return { result, ms: (user + system) / 1000 };
}

/** The same for asynchronous work (other work of the process while it waits counts too). */
export async function cpuMsAsync<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = process.cpuUsage();
  const result = await work();
  const { user, system } = process.cpuUsage(start);
  return { result, ms: (user + system) / 1000 };
}
