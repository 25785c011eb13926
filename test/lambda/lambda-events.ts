import type { Message } from '@aws-sdk/client-sqs';
import type { ScheduledEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ApiGatewayRequestContextV2, LambdaEvent } from 'hono/aws-lambda';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** An API Gateway HTTP API (payload format 2.0) request for `POST /webhook`, as Lambda gets it. */
export function httpApiEvent(headers: Record<string, string>, body: string): LambdaEvent {
  return {
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    rawQueryString: '',
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'a1b2c3d4e5',
      authentication: null,
      authorizer: {} as ApiGatewayRequestContextV2['authorizer'],
      domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: {
        method: 'POST',
        path: '/webhook',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.10',
        userAgent: 'GitHub-Hookshot/044aadd',
      },
      requestId: 'Kq3xYiHvIAMEZ4A=',
      routeKey: 'POST /webhook',
      stage: '$default',
      time: '04/Dec/2026:15:00:00 +0000',
      timeEpoch: 1_796_396_400_000,
    },
  };
}

/** The ARN of a queue of the emulator's account, as an event source mapping names it. */
export function queueArnOf(name: string): string {
  return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
}

/** An SQS record as the event source mapping hands it over, from a message read with the SDK. */
export function sqsRecordOf(message: Message, queueName: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '0',
      SenderId: attributes.SenderId ?? 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '0',
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          stringValue: value.StringValue,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArnOf(queueName),
    awsRegion: REGION,
  };
}

export function sqsEventOf(messages: readonly Message[], queueName: string): SQSEvent {
  return { Records: messages.map((message) => sqsRecordOf(message, queueName)) };
}

/** The event an EventBridge schedule sends. */
export function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: '2026-12-04T15:00:00Z',
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/ghr-reconciler`],
    detail: {},
  };
}
