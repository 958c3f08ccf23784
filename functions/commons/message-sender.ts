// The composition root's choice of SMS provider (SMS_PROVIDER): the one place that knows which adapter a
// deployment sends customer texts with. Staff alerts always go through the SNS topics; mobile push through
// SNS unless MOBILE_PUSH=none (Amazon SNS has no mobile push in the China regions), when compose.ts texts
// push customers instead. Handlers and use cases see one MessageSender.
import {
  aliyunSmsClient,
  AliyunSmsSender,
  parseAliyunCredentials,
  type AliyunSmsClient,
} from '#adapters/aliyun-sms-sender';
import { EumSmsSender } from '#adapters/eum-sms-sender';
import { RoutedMessageSender, type SmsSender } from '#adapters/routed-message-sender';
import { SnsMessageSender } from '#adapters/sns-message-sender';
import type { MessageSender } from '#domain/ports';
import { endUserMessagingClient, snsClient } from './clients.ts';
import { ConfigurationError, type Config } from './config.ts';
import { getSecretString, type SecretsExtension } from './secrets-extension.ts';

export interface DeploymentSender {
  sender: MessageSender;
  /** Whether customers who chose push get it (false: they are texted instead). */
  pushAvailable: boolean;
}

export function deploymentSender(cfg: Config, extension: () => SecretsExtension): DeploymentSender {
  const sns = new SnsMessageSender(snsClient(), {
    staffTopicArns: cfg.staffTopicArns,
    ...(cfg.smsSenderId ? { smsSenderId: cfg.smsSenderId } : {}),
    ...(cfg.smsMaxPrice ? { smsMaxPrice: cfg.smsMaxPrice } : {}),
  });
  const pushAvailable = cfg.sms.push === 'sns';
  const sms = smsSender(cfg, extension);
  if (!sms) return { sender: sns, pushAvailable };
  return { sender: new RoutedMessageSender({ sms, sns, push: pushAvailable }), pushAvailable };
}

/** The provider's adapter; undefined for SNS, which sends SMS itself. */
function smsSender(cfg: Config, extension: () => SecretsExtension): SmsSender | undefined {
  const { sms } = cfg;
  switch (sms.provider) {
    case 'sns':
      return undefined;
    case 'end-user-messaging':
      return new EumSmsSender(endUserMessagingClient(), {
        ...(sms.originationIdentity ? { originationIdentity: sms.originationIdentity } : {}),
        ...(sms.configurationSetName ? { configurationSetName: sms.configurationSetName } : {}),
        ...(cfg.smsMaxPrice ? { maxPrice: cfg.smsMaxPrice } : {}),
      });
    case 'aliyun': {
      // config.ts refused the start without these; the check narrows the types.
      const { signName, templateCodes, credentialsSecretId } = sms;
      if (!signName || !templateCodes)
        throw new ConfigurationError([{ variable: 'SMS_PROVIDER', message: 'aliyun needs its settings' }]);
      return new AliyunSmsSender(
        onceRetried(async () => {
          // Only the sending function gets the secret: others never build this client.
          if (!credentialsSecretId) {
            throw new ConfigurationError([
              {
                variable: 'SMS_CREDENTIALS_SECRET_ID',
                message: 'is required by the function that sends texts',
              },
            ]);
          }
          const secret = await getSecretString(credentialsSecretId, extension());
          return aliyunSmsClient(parseAliyunCredentials(credentialsSecretId, secret), sms.aliyunEndpoint);
        }),
        { signName, codes: templateCodes, publicBaseUrl: cfg.publicBaseUrl },
      );
    }
  }
}

/** The client built once per container; a failed build (secret unreachable) is tried again next time. */
function onceRetried(build: () => Promise<AliyunSmsClient>): () => Promise<AliyunSmsClient> {
  let client: Promise<AliyunSmsClient> | undefined;
  return () => {
    client ??= build().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };
}
