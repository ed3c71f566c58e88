// Who is calling: a customer (the token's subject) and, for operators, the operator role.
export type Role = 'customer' | 'operator';

export interface Principal {
  /** The token's `sub`: the customer id every customer-owned resource is scoped by. */
  customerId: string;
  roles: Role[];
}

export function isOperator(principal: Principal): boolean {
  return principal.roles.includes('operator');
}
