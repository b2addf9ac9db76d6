// Deliberately bad: workflow code importing an activity's value (it would drag activity code into the sandbox).
import { adapter } from '../activities/adapter';

export async function flow(): Promise<string> {
  return Promise.resolve(adapter());
}
