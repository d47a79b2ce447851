// A CDK app of its own that deploys eks-auth-doctor with one construct. It runs as plain JavaScript
// (node app.mjs), so it needs nothing but aws-cdk-lib, constructs and the package.
import { App, Stack } from 'aws-cdk-lib';
import { AuthDoctor } from 'eks-auth-doctor';

const app = new App();
const stack = new Stack(app, 'PlatformAlerts');

new AuthDoctor(stack, 'Doctor', { clusters: ['prod-eks'], alertEmails: ['oncall@example.com'] });

app.synth();
