// The order `npm test` starts files in. vitest's own order runs the projects one after another, by
// name (fast, fuzz, services, slow), each longest file first: the slow suites, which set how long a
// run takes, would start last, with nothing left to run beside them. This one starts them first,
// then the rest in vitest's order, so that the shorter files fill the other worker meanwhile.
import { BaseSequencer, type TestSpecification } from "vitest/node";

export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const slow = (file: TestSpecification) => file.project.name === "slow";
    return [...sorted.filter(slow), ...sorted.filter((file) => !slow(file))];
  }
}
