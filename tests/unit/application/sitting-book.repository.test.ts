import { FakeUnitOfWork } from "../../support/fakes/unit-of-work.js";
import { sittingBookRepositoryContract } from "../../support/sitting-book.contract.js";

sittingBookRepositoryContract("in-memory", () => new FakeUnitOfWork());
