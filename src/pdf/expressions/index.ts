/** Calculated fields and conditions (JSONata): compiled once per template, evaluated per document. */
export {
  compileExpression,
  compileFieldExpressions,
  describeProblem,
  fieldKey,
  fieldExpressionSources,
  isProblem,
  EXPRESSION_LIMITS,
  REFUSED_FUNCTIONS,
  type ExpressionProgram,
  type ExpressionProblem,
  type ExpressionProperty,
} from './compile.js';
export {
  computedFor,
  matchedStyleRules,
  tableDocumentFor,
  evaluateExpressions,
  expressionTruthy,
  failureError,
  type ComputedValues,
  type ExpressionFailure,
} from './evaluate.js';
