import type { ChatTool } from '@tokenstream/core';

// The demo's client-side tool. The mock server calls it when the prompt names it ("calculator") or says
// "tool"; the chat runs it in the browser and streams the model's answer to the result.

const OPERATIONS = ['multiply', 'add', 'subtract', 'divide'] as const;
type Operation = (typeof OPERATIONS)[number];

export interface CalculatorInput {
  operation: Operation;
  a: number;
  b: number;
}

function isCalculatorInput(input: unknown): input is CalculatorInput {
  if (typeof input !== 'object' || input === null) return false;
  const { operation, a, b } = input as Record<string, unknown>;
  return OPERATIONS.includes(operation as Operation) && typeof a === 'number' && typeof b === 'number';
}

function calculate({ operation, a, b }: CalculatorInput): number {
  switch (operation) {
    case 'multiply':
      return a * b;
    case 'add':
      return a + b;
    case 'subtract':
      return a - b;
    case 'divide':
      return a / b;
  }
}

export const calculatorTool: ChatTool = {
  description: 'Computes a * b, a + b, a - b or a / b.',
  parameters: {
    type: 'object',
    properties: {
      operation: { type: 'string', enum: [...OPERATIONS] },
      a: { type: 'number' },
      b: { type: 'number' },
    },
    required: ['operation', 'a', 'b'],
  },
  execute(input) {
    // A thrown error becomes the tool's error result, which the model then sees.
    if (!isCalculatorInput(input)) throw new Error(`calculator: expected { operation, a, b }, got ${JSON.stringify(input)}`);
    return { result: calculate(input) };
  },
};

export const PLAYGROUND_TOOLS: Record<string, ChatTool> = { calculator: calculatorTool };
