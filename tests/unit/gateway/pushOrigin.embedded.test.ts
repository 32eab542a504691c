import { pushOriginContract } from '../../contract/pushOrigin.contract';

jest.setTimeout(30_000);

pushOriginContract('embedded stand-ins', { env: () => ({}) });
