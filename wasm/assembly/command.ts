// What the dispatcher knows of a command: its Redis name (lowercase, as arity errors print it), its
// Redis arity (negative = at least), and its handler. Each family declares its commands as a list of these.
export class Command {
  constructor(
    public name: string,
    public arity: i32,
    public run: () => void,
  ) {}
}
