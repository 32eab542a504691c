import { cleanupNamespaces } from '../helpers/stackCleanup';

afterAll(cleanupNamespaces, 30_000);
