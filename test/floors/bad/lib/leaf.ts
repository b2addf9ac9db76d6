// A deliberately bad tree for test/unit/floors.test.ts: the base floor importing an activity (a back-arrow).
import { adapter } from '../activities/adapter';

export const leaf = (): string => adapter();
