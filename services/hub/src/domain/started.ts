/** The result of a command that started long work: its value and the operation doing the work. */
export interface Started<T> { value: T; operationId: string }
