import ms from '#duration';
import units from './units.json' with { type: 'json' };

export const describe = (name) => `${name} lasts ${ms(units[name])}`;
