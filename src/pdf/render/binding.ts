/**
 * Binding-key lookup for rendering: the engine's one resolver lives in src/pdf/validate so that
 * validation, preflight and rendering agree on what a key means (flat, nested and mixed keys).
 */
export { isPresent, resolveBinding } from '../validate/binding.js';
