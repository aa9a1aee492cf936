import { describe, expect, it } from 'vitest';
import { ssoUserName } from './oidc.js';

describe('ssoUserName: a user name from the identity provider claim', () => {
  it('replaces what a name may not hold by dashes, trims them at both ends and keeps 56 characters', () => {
    expect(ssoUserName('  Anna Kowalska (UM) ', 'sub-1')).toBe('Anna-Kowalska-UM');
    expect(ssoUserName('--jan.nowak@um.example.pl--', 'sub-1')).toBe('jan.nowak@um.example.pl');
    expect(ssoUserName('x'.repeat(80), 'sub-1')).toBe('x'.repeat(56));
  });

  it('falls back to a name made from the subject when nothing usable is left, even for a huge claim', () => {
    expect(ssoUserName('---', 'sub-1')).toMatch(/^sso-[0-9a-f]{12}$/);
    expect(ssoUserName(42, 'sub-1')).toBe(ssoUserName('', 'sub-1'));
    expect(ssoUserName('-'.repeat(200_000) + '!', 'sub-2')).toMatch(/^sso-[0-9a-f]{12}$/);
  });
});
