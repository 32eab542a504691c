import { clientContract } from '../../contract/client.contract';

jest.setTimeout(60_000);

clientContract('embedded stand-ins', { env: () => ({}) });
