import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';

/** The SDK clients of one cold start, shared by every invocation after it. */
export interface AwsClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
}

/**
 * Clients configured the way the SDK reads the Lambda environment: region, credentials and
 * any `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_<SERVICE>`) come from there, nothing from here.
 */
export function createAwsClients(): AwsClients {
  return {
    sqs: new SQSClient({}),
    dynamodb: new DynamoDBClient({}),
    ec2: new EC2Client({}),
    ssm: new SSMClient({}),
  };
}
