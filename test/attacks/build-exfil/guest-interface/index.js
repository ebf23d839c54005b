import * as boundary from 'isolate:guest/boundary';
import config from 'isolate-deps:guest-config';

export const leaked = () => ({ boundary: Object.keys(boundary), config });
