/** Calculated fields and conditions (JSONata): compiled once per template, evaluated per document. */
export {
  compileExpression,
  compileFieldExpressions,
  describeProblem,
  fieldKey,
  isProblem,
  EXPRESSION_LIMITS,
  REFUSED_FUNCTIONS,
  type ExpressionProgram,
  type ExpressionProblem,
  type ExpressionProperty,
} from './compile.js';
export {
  computedFor,
  evaluateExpressions,
  expressionTruthy,
  failureError,
  type ComputedValues,
  type ExpressionFailure,
} from './evaluate.js';
