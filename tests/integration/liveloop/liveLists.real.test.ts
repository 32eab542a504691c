import { liveListsContract } from '../../contract/liveLists.contract';
import { realStackEnv } from '../../helpers/gateway';

jest.setTimeout(120_000);

liveListsContract('single Redis', realStackEnv);
