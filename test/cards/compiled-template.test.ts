import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Template } from 'adaptivecards-templating';
import { compileTemplate } from '../../src/cards/compiled-template';
import { projectPath } from '../../src/paths';

/** What a template makes of `data`: the card, or the error, through adaptivecards-templating (the reference) or ours. */
type Outcome = { card: unknown } | { threw: true };

// Parsed once per template object, for both sides: the property test below expands each card hundreds of times.
const parsed = new WeakMap<object, Template>();
const compiledOnce = new WeakMap<object, ReturnType<typeof compileTemplate>>();

function theirs(template: object, data: unknown): Outcome {
  if (!parsed.has(template)) parsed.set(template, new Template(template));
  try {
    return { card: parsed.get(template)!.expand({ $root: data }) };
  } catch {
    return { threw: true };
  }
}

function ours(template: object, data: unknown): Outcome {
  if (!compiledOnce.has(template)) compiledOnce.set(template, compileTemplate(template));
  const compiled = compiledOnce.get(template);
  if (!compiled) throw new Error('not compiled');
  try {
    return { card: compiled(data) };
  } catch {
    return { threw: true };
  }
}

const CARD_FILES = readdirSync(projectPath('cards')).filter((file) => file.endsWith('.json'));
const cardTemplate = (file: string) => JSON.parse(readFileSync(projectPath('cards', file), 'utf8')) as object;

describe('compiled card templates', () => {
  it('cover every card we ship (none falls back to the library at run time)', () => {
    expect(CARD_FILES.length).toBeGreaterThan(10);
    for (const file of CARD_FILES) expect([file, compileTemplate(cardTemplate(file)) !== null]).toEqual([file, true]);
  });

  it('expand values, text, $data and $when as adaptivecards-templating does, edge cases included', () => {
    const template = {
      type: 'AdaptiveCard',
      typed: '${count}',
      flag: '${several}',
      missing: '${nothing.here}',
      text: 'Found ${count} in ${name}: ${several} (${nothing})',
      caseless: '${NAME}',
      nested: '${owner.name}',
      falsyParent: '${empty.name}',
      items: [
        { $data: '${rows}', $when: "${label != ''}", text: '${$index}. ${label} of ${$root.name}', raw: '${label}' },
        { $data: '${one}', text: 'one: ${label}' },
        { $data: '${none}', text: 'never' },
        { $data: '${nothing}', text: 'bound to its own text: ${label}' },
        { $when: '${several}', text: 'several' },
        { $when: '${!several}', text: 'not several' },
        { $when: '${!nothing}', text: 'nothing is not true' },
        { $when: "${nothing != ''}", text: 'undefined is not empty' },
        { $when: "${zero != ''}", text: 'zero is not empty' },
        { $when: '${count(rows) > 0}', text: 'has rows' },
        { $when: '${count(name) > 0}', text: 'has a name' },
        { $when: '${count(nothing) > 0}', text: 'counts nothing' },
        { $when: '${count(zero) > 0}', text: 'counts a number' },
        { $when: '${count(nullValue) > 0}', text: 'counts null' },
        { $when: '${zero}', text: 'zero is not true' },
        { $when: 'yes', text: 'a literal $when drops its element' },
        { $when: false, text: 'a false literal keeps it' },
        [['nested', 'arrays'], 'are spliced'],
        '${rows}',
        '${nullValue}',
      ],
      selectAction: { $when: '${!several}', type: 'Action.Submit' },
      nullValue: '${nullValue}',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    };
    const data = {
      count: 3, several: true, name: 'contoso.com', owner: { name: 'Alex' }, empty: '', zero: 0, nullValue: null,
      rows: [{ label: 'first' }, { label: '' }, { label: 'third' }], one: { label: 'solo' }, none: [],
    };
    const expected = theirs(template, data);
    expect(expected).toHaveProperty('card');
    expect(ours(template, data)).toEqual(expected);
    // And with everything missing: every `${…}` stays as its text, every $when is false.
    expect(ours(template, {})).toEqual(theirs(template, {}));
  });

  it('fail where the library fails: a null inside text', () => {
    const template = { text: 'owner: ${owner}' };
    expect(theirs(template, { owner: null })).toEqual({ threw: true });
    expect(ours(template, { owner: null })).toEqual({ threw: true });
  });

  it('leave anything outside the four forms to the library', () => {
    for (const expression of ['${formatNumber(count, 2)}', "${if(a, 'x', 'y')}", '${a[0]}', '${a == 1}', "${a != 'x'}"]) {
      expect(compileTemplate({ text: expression, $when: '${a}' })).toBeNull();
      expect(compileTemplate({ text: 'fine', $when: expression })).toBeNull();
    }
    expect(compileTemplate({ text: 'a backquote ` and ${a}' })).toBeNull();
  });

  it('expand every card we ship exactly as the library does, for any data of the shapes a card can be given', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.constant(''), fc.integer({ min: -2, max: 5 }), fc.boolean(), fc.constant(null), fc.constant(undefined));
    for (const file of CARD_FILES) {
      const template = cardTemplate(file);
      // Names from the template, one spelling each: data with two names differing only in case is the one thing the
      // compiler reads differently (it takes the exact name; the library the first that matches ignoring case).
      const spellings = new Map([...JSON.stringify(template).matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((match) => [match[0].toLowerCase(), match[0]]));
      const names = [...spellings.values()];
      const record = (value: fc.Arbitrary<unknown>) => fc.dictionary(fc.constantFrom(...names), value, { maxKeys: names.length });
      const data = record(fc.oneof(scalar, fc.array(record(scalar), { maxLength: 3 }), record(scalar)));
      fc.assert(
        fc.property(data, (root) => {
          expect([file, ours(template, root)]).toEqual([file, theirs(template, root)]);
        }),
        { numRuns: 150 },
      );
    }
  });
});
