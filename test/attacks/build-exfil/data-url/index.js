import payload from 'data:text/javascript,export default "from a data URL"';

export const leaked = () => payload;
