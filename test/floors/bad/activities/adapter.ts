// Deliberately bad: part of the back-arrow fixture (lib/leaf.ts imports this).
export const adapter = (): string => 'adapter';
