/**
 * Whether something a test needs from the machine (root, a tool, a kernel feature) is here.
 * When it is not, a developer's run skips the test with a warning nobody can miss; a CI run
 * (.ci/run sets NETMORTEM_CI=1 after installing everything) fails instead, because nothing
 * may be skipped there.
 */
export function requirement(what: string, met: boolean): boolean {
  if (met) return true;
  if (process.env.NETMORTEM_CI === '1')
    throw new Error(`CI must run every test, but this machine lacks: ${what}`);
  process.stderr.write(
    `\n!!! SKIPPED: this machine lacks ${what}; the tests that need it did not run.\n\n`,
  );
  return false;
}
