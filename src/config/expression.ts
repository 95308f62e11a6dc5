/**
 * The small arithmetic grammar of business `estimate` expressions, parsed here and evaluated
 * over metric values — never handed to `eval`.
 *
 *   expression := term (("+" | "-") term)*
 *   term       := factor (("*" | "/") factor)*
 *   factor     := number | identifier | "(" expression ")" | ("-" | "+") factor
 */

export type Expression =
  | { kind: 'number'; value: number }
  | { kind: 'metric'; id: string; offset: number }
  | { kind: 'negate'; operand: Expression }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expression; right: Expression };

/** A syntax error at a 0-based character offset within the expression text. */
export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface Token {
  type: 'number' | 'identifier' | 'operator' | 'open' | 'close' | 'invalid' | 'end';
  text: string;
  offset: number;
}

const MAX_LENGTH = 1000;
const MAX_DEPTH = 50;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/])|(\()|(\))|(\S))/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < source.length && (match = pattern.exec(source))) {
    const text = match[0].trimStart();
    const offset = match.index + match[0].length - text.length;
    if (match[1] !== undefined) tokens.push({ type: 'number', text, offset });
    else if (match[2] !== undefined) tokens.push({ type: 'identifier', text, offset });
    else if (match[3] !== undefined) tokens.push({ type: 'operator', text, offset });
    else if (match[4] !== undefined) tokens.push({ type: 'open', text, offset });
    else if (match[5] !== undefined) tokens.push({ type: 'close', text, offset });
    else if (match[6] !== undefined) tokens.push({ type: 'invalid', text, offset });
    else break; // only trailing whitespace was left
  }
  tokens.push({ type: 'end', text: '', offset: source.trimEnd().length });
  return tokens;
}

export function parseExpression(source: string): Expression {
  if (source.length > MAX_LENGTH)
    throw new ExpressionSyntaxError(`expression longer than ${MAX_LENGTH} characters`, 0);
  const tokens = tokenize(source);
  let position = 0;
  const peek = (): Token => tokens[position] as Token;
  const next = (): Token => tokens[position++] as Token;

  function expression(depth: number): Expression {
    let left = term(depth);
    while (peek().type === 'operator' && (peek().text === '+' || peek().text === '-')) {
      const { text, offset } = next();
      left = finite({ kind: 'binary', op: text as '+' | '-', left, right: term(depth) }, offset);
    }
    return left;
  }
  function term(depth: number): Expression {
    let left = factor(depth);
    while (peek().type === 'operator' && (peek().text === '*' || peek().text === '/')) {
      const { text, offset } = next();
      const op = text as '*' | '/';
      const rightOffset = peek().offset;
      const right = factor(depth);
      if (op === '/' && constantValue(right) === 0) {
        throw new ExpressionSyntaxError(
          'division by a constant zero: the estimate could never be computed',
          rightOffset,
        );
      }
      left = finite({ kind: 'binary', op, left, right }, offset);
    }
    return left;
  }
  function factor(depth: number): Expression {
    if (depth > MAX_DEPTH) throw new ExpressionSyntaxError('expression nested too deeply', peek().offset);
    const token = next();
    switch (token.type) {
      case 'number': {
        const value = Number(token.text);
        if (!Number.isFinite(value)) {
          throw new ExpressionSyntaxError(
            `the number ${token.text} is too large to compute with`,
            token.offset,
          );
        }
        return { kind: 'number', value };
      }
      case 'identifier':
        if (peek().type === 'open') {
          throw new ExpressionSyntaxError(
            `functions such as ${token.text}() are not supported: use metric ids, numbers, + - * / and ( )`,
            peek().offset,
          );
        }
        return { kind: 'metric', id: token.text, offset: token.offset };
      case 'open': {
        const inner = expression(depth + 1);
        const close = next();
        if (close.type !== 'close') throw new ExpressionSyntaxError('missing ")"', close.offset);
        return inner;
      }
      case 'operator':
        if (token.text === '-' || token.text === '+') {
          const operand = factor(depth + 1);
          return token.text === '-' ? { kind: 'negate', operand } : operand;
        }
        throw new ExpressionSyntaxError(`"${token.text}" needs a value before it`, token.offset);
      case 'end':
        throw new ExpressionSyntaxError('expression ends where a value was expected', token.offset);
      case 'invalid':
        throw new ExpressionSyntaxError(
          `unexpected character "${token.text}": use metric ids, numbers, + - * / and ( )`,
          token.offset,
        );
      default:
        throw new ExpressionSyntaxError(`unexpected "${token.text}"`, token.offset);
    }
  }

  const tree = expression(0);
  const rest = peek();
  if (rest.type === 'invalid') {
    throw new ExpressionSyntaxError(
      `unexpected character "${rest.text}": use metric ids, numbers, + - * / and ( )`,
      rest.offset,
    );
  }
  if (rest.type !== 'end') {
    throw new ExpressionSyntaxError(`unexpected "${rest.text}" after a complete expression`, rest.offset);
  }
  return tree;
}

/** A constant part (such as 1e308 * 10) that overflows is refused where its operator is. */
function finite(node: Expression, offset: number): Expression {
  const constant = constantValue(node);
  if (constant !== undefined && !Number.isFinite(constant)) {
    throw new ExpressionSyntaxError(
      'this overflows: its constant parts exceed what a number can hold',
      offset,
    );
  }
  return node;
}

/** The value of a part without metrics (folded as evaluation would), or undefined when it reads one. */
function constantValue(expression: Expression): number | undefined {
  switch (expression.kind) {
    case 'number':
      return expression.value;
    case 'metric':
      return undefined;
    case 'negate': {
      const operand = constantValue(expression.operand);
      return operand === undefined ? undefined : -operand;
    }
    case 'binary': {
      const left = constantValue(expression.left);
      const right = constantValue(expression.right);
      if (left === undefined || right === undefined) return undefined;
      if (expression.op === '+') return left + right;
      if (expression.op === '-') return left - right;
      if (expression.op === '*') return left * right;
      return left / right;
    }
  }
}

/** The metric ids an expression reads, with their offsets, in order of appearance. */
export function referencedMetrics(expression: Expression): { id: string; offset: number }[] {
  switch (expression.kind) {
    case 'number':
      return [];
    case 'metric':
      return [{ id: expression.id, offset: expression.offset }];
    case 'negate':
      return referencedMetrics(expression.operand);
    case 'binary':
      return [...referencedMetrics(expression.left), ...referencedMetrics(expression.right)];
  }
}

/** Evaluates over known values; a missing metric or a division by zero gives null. */
export function evaluateExpression(
  expression: Expression,
  values: ReadonlyMap<string, number>,
): number | null {
  switch (expression.kind) {
    case 'number':
      return expression.value;
    case 'metric':
      return values.get(expression.id) ?? null;
    case 'negate': {
      const operand = evaluateExpression(expression.operand, values);
      return operand === null ? null : -operand;
    }
    case 'binary': {
      const left = evaluateExpression(expression.left, values);
      const right = evaluateExpression(expression.right, values);
      if (left === null || right === null) return null;
      if (expression.op === '/' && right === 0) return null;
      return { '+': left + right, '-': left - right, '*': left * right, '/': left / right }[expression.op];
    }
  }
}
