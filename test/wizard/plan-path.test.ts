/** How the wizard writes a keystore's path into a plan: relative inside HOME (a "..keys" folder too), absolute outside. */
import { planPath } from '../../src/wizard/keystore-step';

test('planPath', () => {
  expect(planPath('/opt/wso2', '/opt/wso2/repository/resources/security/a.p12')).toBe('repository/resources/security/a.p12');
  expect(planPath('/opt/wso2', '/opt/wso2/..keys/a.p12')).toBe('..keys/a.p12');
  expect(planPath('/opt/wso2', '/opt/other/a.p12')).toBe('/opt/other/a.p12');
  expect(planPath('/opt/wso2', '/opt/a.p12')).toBe('/opt/a.p12');
});
