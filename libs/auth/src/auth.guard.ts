// Every route needs a valid bearer token unless marked @Public(); @OperatorOnly() routes also
// need the operator role. Failures are 401 (who are you?) or 403 (not for you).
import {
  createParamDecorator,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isOperator, type Principal } from './principal';
import { AuthenticationError, TokenVerifier } from './token-verifier';

const PUBLIC_ROUTE = 'auth:public';
const OPERATOR_ROUTE = 'auth:operator';

/** Health probes, metrics and API documentation: no token. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** Operator endpoints (test clock, replays, imports): the operator role is required. */
export const OperatorOnly = () => SetMetadata(OPERATOR_ROUTE, true);

interface AuthenticatedRequest {
  headers: Record<string, string | undefined>;
  principal?: Principal;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    try {
      request.principal = await this.verifier.verifyHeader(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        throw new UnauthorizedException({ statusCode: 401, code: error.reason, message: error.message });
      }
      throw error;
    }
    if (this.reflector.getAllAndOverride<boolean>(OPERATOR_ROUTE, targets) && !isOperator(request.principal)) {
      throw new ForbiddenException({ statusCode: 403, code: 'OPERATOR_ROLE_REQUIRED', message: 'operators only' });
    }
    return true;
  }
}

/** The authenticated caller of the current request. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthorizedException({ statusCode: 401, code: 'MISSING_TOKEN', message: 'a bearer token is required' });
  return principal;
});
