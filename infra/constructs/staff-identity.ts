// Who may call the API: an Amazon Cognito user pool. Staff sign in as users and belong to the groups of
// the permission table (agent, supervisor, auditor, admin); upstream systems are app clients using the
// OAuth client-credentials flow with the resource server's scopes (`intake`, and `act-for-agent` for
// systems that act for their own logged-in agents). The API's authorizer verifies their access tokens.
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import {
  AccountRecovery,
  AdvancedSecurityMode,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { STAFF_ROLES } from '#domain/permissions';
import {
  DEFAULT_RESOURCE_SERVER,
  DELEGATION_SCOPE,
  INTAKE_SCOPE,
} from '../../functions/auth/token-claims.ts';

/** An upstream system (call centre, web, app, WeChat...) that gets its own app client. */
export interface UpstreamClientSpec {
  /** Its name in the console and in CloudFormation (letters, digits, dashes). */
  name: string;
  /** May act for its own logged-in agents (X-On-Behalf-Of). */
  delegation?: boolean;
}

export interface StaffIdentityProps {
  stage: string;
  upstreamClients: readonly UpstreamClientSpec[];
}

/** Access tokens live an hour, as the local issuer's do. */
const ACCESS_TOKEN_VALIDITY = Duration.hours(1);

export class StaffIdentity extends Construct {
  readonly userPool: UserPool;
  /** The staff console's client (users sign in with SRP). */
  readonly staffClient: UserPoolClient;
  readonly upstreamClients: readonly UserPoolClient[];
  /** The `iss` of the pool's tokens: the authorizer's AUTH_ISSUER. */
  readonly issuer: string;
  /** The OAuth token endpoint upstream systems get their tokens from. */
  readonly tokenEndpoint: string;

  constructor(scope: Construct, id: string, props: StaffIdentityProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Staff', {
      userPoolName: `complaints-${props.stage}-staff`,
      // Operators create staff accounts (docs/deploy.md); nobody signs themself up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      advancedSecurityMode: AdvancedSecurityMode.ENFORCED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const role of STAFF_ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Complaints ${props.stage}: the ${role} column of the permission table`,
      });
    }

    const intake = new ResourceServerScope({
      scopeName: INTAKE_SCOPE,
      scopeDescription: 'Register complaints, read those registered, relay customer replies and scores',
    });
    const delegation = new ResourceServerScope({
      scopeName: DELEGATION_SCOPE,
      scopeDescription: "Act for the system's own logged-in agents (X-On-Behalf-Of)",
    });
    const resourceServer = new UserPoolResourceServer(this, 'Api', {
      userPool: this.userPool,
      identifier: DEFAULT_RESOURCE_SERVER,
      userPoolResourceServerName: `complaints-${props.stage}`,
      scopes: [intake, delegation],
    });

    // The client-credentials flow needs the pool's OAuth domain (its /oauth2/token endpoint).
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `complaints-${props.stage}-${Aws.ACCOUNT_ID}` },
    });

    this.staffClient = this.userPool.addClient('StaffConsole', {
      userPoolClientName: `complaints-${props.stage}-staff-console`,
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: ACCESS_TOKEN_VALIDITY,
      oAuth: { flows: { authorizationCodeGrant: false, implicitCodeGrant: false }, scopes: [] },
      enableTokenRevocation: true,
    });

    this.upstreamClients = props.upstreamClients.map((client) => {
      const scopes = [
        OAuthScope.resourceServer(resourceServer, intake),
        ...(client.delegation ? [OAuthScope.resourceServer(resourceServer, delegation)] : []),
      ];
      return this.userPool.addClient(`Upstream-${client.name}`, {
        userPoolClientName: `complaints-${props.stage}-${client.name}`,
        generateSecret: true,
        authFlows: {},
        accessTokenValidity: ACCESS_TOKEN_VALIDITY,
        oAuth: { flows: { clientCredentials: true }, scopes },
        enableTokenRevocation: true,
      });
    });

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`;
    this.tokenEndpoint = `${domain.baseUrl()}/oauth2/token`;
  }

  /** Every app client whose tokens the API accepts (AUTH_CLIENT_IDS). */
  get clientIds(): string[] {
    return [this.staffClient, ...this.upstreamClients].map((client) => client.userPoolClientId);
  }
}
