import { describe, expect, it } from 'vitest';
import { CreateUserError, validateCreateUser } from './create-user.js';

const valid = { team: 't', email: 'a@example.test', password: 'long enough', role: 'member' };

describe('validateCreateUser', () => {
  it('accepts admin and member in any case', () => {
    expect(validateCreateUser(valid)).toBe('MEMBER');
    expect(validateCreateUser({ ...valid, role: 'Admin' })).toBe('ADMIN');
  });

  it('refuses an unknown role, a non-address and a short password before touching the database', () => {
    expect(() => validateCreateUser({ ...valid, role: 'owner' })).toThrow(CreateUserError);
    expect(() => validateCreateUser({ ...valid, email: 'nobody' })).toThrow(/--email/);
    expect(() => validateCreateUser({ ...valid, password: 'short' })).toThrow(/--password/);
  });
});
