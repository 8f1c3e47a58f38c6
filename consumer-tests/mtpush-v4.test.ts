// Before any import reads the environment: the suite sends these as the "real" credentials and scans the pacts for them.
import { SCAN_ENV, describeCatalogue } from './catalogue-suite';

process.env.PACT_DO_NOT_TRACK = 'true';
Object.assign(process.env, SCAN_ENV);

describeCatalogue('mtpush-v4');
