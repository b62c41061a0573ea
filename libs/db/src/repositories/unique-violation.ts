/** Prisma reports PostgreSQL's unique_violation as P2002 (or the raw SQLSTATE via the adapter). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (code === 'P2002' || code === '23505') return true;
  return cause !== undefined && cause !== error && isUniqueViolation(cause);
}
