import 'aws-sdk-client-mock-vitest/extend';
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/temp-dir';

afterAll(removeTempDirs);
