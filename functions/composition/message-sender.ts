// The composition root's choice of SMS provider (SMS_PROVIDER): the one place that knows which adapter a
// deployment sends customer texts with. Staff alerts always go through the SNS topics; mobile push through
// SNS unless MOBILE_PUSH=none (Amazon SNS has no mobile push in the China regions), when compose.ts texts
// push customers instead. Handlers and use cases see one MessageSender.
//
// Apart from deps.ts on purpose: only the function that sends (send-notification) imports this module, so
// the providers' SDKs (about 800 KB minified with Alibaba's) stay out of every other function's bundle.
import {
  aliyunSmsClient,
  AliyunSmsSender,
  parseAliyunCredentials,
  type AliyunSmsClient,
} from '#adapters/aliyun-sms-sender';
import { EumSmsSender } from '#adapters/eum-sms-sender';
import { RoutedMessageSender, type SmsSender } from '#adapters/routed-message-sender';
import { SnsMessageSender } from '#adapters/sns-message-sender';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { MessageSender } from '#domain/ports';
import type { ServiceDeps } from '#use-cases/service-deps';
import { snsSenderClient } from '#commons/clients';
import { config, ConfigurationError, type Config } from '#commons/config';
import { getServiceDeps } from './deps.ts';
import { tracer } from '#commons/powertools';
import { getSecretString, type SecretsExtension } from '#commons/secrets-extension';

let deliveryDeps: ServiceDeps | undefined;

/** The container's dependencies with the deployment's sender: what the send step delivers with. */
export function getDeliveryDeps(): ServiceDeps {
  if (!deliveryDeps) {
    const cfg = config();
    // The sandbox's own credential, read when a secret is fetched; never stored in the configuration.
    const extension = () => ({ port: cfg.secretsExtensionPort, sessionToken: process.env.AWS_SESSION_TOKEN });
    deliveryDeps = { ...getServiceDeps(), ...deploymentSender(cfg, extension) };
  }
  return deliveryDeps;
}

let textMessages: PinpointSMSVoiceV2Client | undefined;

/** AWS End User Messaging SMS (locally: AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2, read by the SDK). */
function endUserMessagingClient(): PinpointSMSVoiceV2Client {
  textMessages ??= tracer
    ? tracer.captureAWSv3Client(new PinpointSMSVoiceV2Client({}))
    : new PinpointSMSVoiceV2Client({});
  return textMessages;
}

export interface DeploymentSender {
  sender: MessageSender;
  /** Whether customers who chose push get it (false: they are texted instead). */
  pushAvailable: boolean;
}

export function deploymentSender(cfg: Config, extension: () => SecretsExtension): DeploymentSender {
  // One attempt per call: the delivery workflow retries throttling with a long backoff of its own.
  const sns = new SnsMessageSender(snsSenderClient(), {
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
