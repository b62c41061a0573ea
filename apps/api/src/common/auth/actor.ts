/**
 * Who is calling: a person signed in with a session, or a tool holding an API token. Every
 * service call receives one and scopes its reads and writes to `teamId`.
 */
export interface Actor {
  readonly kind: 'user' | 'token';
  readonly id: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly role: 'ADMIN' | 'MEMBER';
  /** For people: their email; for tokens: the token's name. */
  readonly displayName: string;
  /** The user behind the call: the signed-in person, or whoever created the token. */
  readonly userId: string | null;
}

/** `user:<id>` / `token:<id>`: how rows record who did something. */
export function actorRef(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}
