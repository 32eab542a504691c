// How the doctor marks the message it produces to `view-events`, so that stream consumers
// (src/streams) skip it instead of scoring it. The doctor's record:
//   key     'recsys-doctor'
//   value   'Hello Kafka' (plain text, not an event envelope)
//   header  'recsys-doctor: 1'
export const DOCTOR_HEADER = 'recsys-doctor';
export const DOCTOR_KEY = 'recsys-doctor';

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** True for a record the doctor produced (checks the header; kafkajs headers are Buffers or strings). */
export function isDoctorMessage(headers: Record<string, HeaderValue> | undefined): boolean {
  return headers !== undefined && headers[DOCTOR_HEADER] !== undefined;
}
