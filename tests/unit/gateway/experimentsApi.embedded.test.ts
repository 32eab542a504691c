import { experimentsApiContract } from '../../contract/experimentsApi.contract';

experimentsApiContract('embedded stand-ins', () => ({}));
