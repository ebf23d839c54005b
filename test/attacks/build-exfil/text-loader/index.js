import notes from './notes.txt';

export const leaked = () => notes;
