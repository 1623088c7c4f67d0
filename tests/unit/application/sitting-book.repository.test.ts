import { FakeUnitOfWork } from "../../support/fakes.js";
import { sittingBookRepositoryContract } from "../../support/sitting-book.contract.js";

sittingBookRepositoryContract("in-memory", () => new FakeUnitOfWork());
