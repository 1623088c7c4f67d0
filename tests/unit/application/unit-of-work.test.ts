import { FakeUnitOfWork } from "../../support/fakes.js";
import { unitOfWorkContract } from "../../support/unit-of-work.contract.js";

unitOfWorkContract("in-memory", () => new FakeUnitOfWork());
