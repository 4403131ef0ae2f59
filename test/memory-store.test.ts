// Runs the Store contract on MemoryStore.

import { MemoryStore } from "../enforcer/memory-store";
import { runStoreSuite } from "./store-suite";

runStoreSuite("MemoryStore", async () => new MemoryStore());
