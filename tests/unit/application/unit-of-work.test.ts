import { FakeUnitOfWork } from "../../support/fakes/unit-of-work.js";
import { unitOfWorkContract } from "../../support/unit-of-work.contract.js";

unitOfWorkContract("in-memory", () => new FakeUnitOfWork());
