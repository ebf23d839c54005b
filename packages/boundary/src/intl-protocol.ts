/**
 * What a guest may ask of the host's Intl (isolate:guest/intl, served by runtime/src/intl-provider.ts): each
 * service, its methods with their argument types, and the option names its constructor reads. The guest reads
 * only these options from what a package passes (as Intl does); the host refuses anything else.
 */

/** How one argument arrives: a tagged value (see decodeArgument in runtime/src/intl-provider.ts). */
export type ArgumentKind = 'number' | 'numeric' | 'string' | 'strings' | 'time';

const DIGITS = ['minimumIntegerDigits', 'minimumFractionDigits', 'maximumFractionDigits', 'minimumSignificantDigits', 'maximumSignificantDigits', 'roundingPriority', 'roundingIncrement', 'roundingMode', 'trailingZeroDisplay'];
const DATE_TIME = ['localeMatcher', 'calendar', 'numberingSystem', 'hour12', 'hourCycle', 'timeZone', 'weekday', 'era', 'year', 'month', 'day', 'dayPeriod', 'hour', 'minute', 'second', 'fractionalSecondDigits', 'timeZoneName', 'formatMatcher', 'dateStyle', 'timeStyle'];
const NUMBER = ['localeMatcher', 'numberingSystem', 'style', 'currency', 'currencyDisplay', 'currencySign', 'unit', 'unitDisplay', 'notation', 'compactDisplay', 'signDisplay', 'useGrouping', ...DIGITS];
const COLLATOR = ['localeMatcher', 'usage', 'sensitivity', 'ignorePunctuation', 'numeric', 'caseFirst', 'collation'];

export interface Service {
  /** Option names the constructor reads (any other name is refused). */
  options: readonly string[];
  /** Method name → the kinds of its arguments. `resolvedOptions` and `supportedLocalesOf` every service has. */
  methods: Record<string, readonly ArgumentKind[]>;
}

/** The Intl constructors, by name. */
export const SERVICES: Record<string, Service> = {
  DateTimeFormat: {
    options: DATE_TIME,
    methods: { format: ['time'], formatToParts: ['time'], formatRange: ['time', 'time'], formatRangeToParts: ['time', 'time'] },
  },
  NumberFormat: {
    options: NUMBER,
    methods: { format: ['numeric'], formatToParts: ['numeric'], formatRange: ['numeric', 'numeric'], formatRangeToParts: ['numeric', 'numeric'] },
  },
  Collator: { options: COLLATOR, methods: { compare: ['string', 'string'] } },
  PluralRules: { options: ['localeMatcher', 'type', ...DIGITS], methods: { select: ['number'], selectRange: ['number', 'number'] } },
  RelativeTimeFormat: { options: ['localeMatcher', 'numberingSystem', 'style', 'numeric'], methods: { format: ['number', 'string'], formatToParts: ['number', 'string'] } },
  ListFormat: { options: ['localeMatcher', 'type', 'style'], methods: { format: ['strings'], formatToParts: ['strings'] } },
  DisplayNames: { options: ['localeMatcher', 'style', 'type', 'fallback', 'languageDisplay'], methods: { of: ['string'] } },
  Segmenter: { options: ['localeMatcher', 'granularity'], methods: { segment: ['string'] } },
  // One tag (the only entry of `locales`); `describe` answers every getter at once.
  Locale: { options: ['language', 'script', 'region', 'calendar', 'collation', 'hourCycle', 'caseFirst', 'numeric', 'numberingSystem'], methods: { describe: [], maximize: [], minimize: [] } },
};

/** Intl.Locale's getters, in Node's order: the host's `describe` answers them all. */
export const LOCALE_FIELDS = ['language', 'script', 'region', 'baseName', 'calendar', 'caseFirst', 'collation', 'hourCycle', 'numeric', 'numberingSystem', 'calendars', 'collations', 'hourCycles', 'numberingSystems', 'textInfo', 'timeZones', 'weekInfo'];

/**
 * The locale-sensitive methods of other built-ins (their `this` comes first among the arguments), and the
 * functions on `Intl` itself. Their options are those of the service each uses.
 */
export const BUILTIN_METHODS: Record<string, { options: readonly string[]; args: readonly ArgumentKind[] }> = {
  'Date.toLocaleString': { options: DATE_TIME, args: ['time'] },
  'Date.toLocaleDateString': { options: DATE_TIME, args: ['time'] },
  'Date.toLocaleTimeString': { options: DATE_TIME, args: ['time'] },
  'Number.toLocaleString': { options: NUMBER, args: ['numeric'] },
  'String.localeCompare': { options: COLLATOR, args: ['string', 'string'] },
  'String.toLocaleUpperCase': { options: [], args: ['string'] },
  'String.toLocaleLowerCase': { options: [], args: ['string'] },
  'String.normalize': { options: [], args: ['string', 'string'] },
  'BigInt.toLocaleString': { options: NUMBER, args: ['numeric'] },
  'Intl.getCanonicalLocales': { options: [], args: [] },
  'Intl.supportedValuesOf': { options: [], args: ['string'] },
};
