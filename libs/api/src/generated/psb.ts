/**
 * GENERATED FILE: DO NOT EDIT.
 * Source: specs/psb.yaml. Regenerate with `pnpm generate`; `pnpm test` fails when this file drifts from the spec.
 */

export interface paths {
    "/psb/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe this PSB
         * @description Name, version and platform type of this PSB. The Site calls it when the PSB is registered and selects a PSB for an app service by `type` (case-insensitive).
         */
        get: operations["getPsbInfo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/psb/spaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the spaces app services can be deployed into
         * @description A space is the PSB's unit of isolation (a Kubernetes namespace, a folder of the process runner, ...). The Site offers these names as `space` choices; a PSB with no notion of spaces returns one space named `default`.
         */
        get: operations["listSpaces"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/psb/app-services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the app services this PSB runs
         * @description Extension (not in orcs): every app service this PSB currently knows about, in every space (or in one space with `space`). Handy for operators and for a Site reconciling after a restart.
         */
        get: operations["listAppServices"];
        put?: never;
        /**
         * Deploy an app service
         * @description Starts the app service described by the manifest in `space` under the id `appServiceId` (chosen by the
         *     Site). Only `appServiceId`, `space` and `imageName` are required; every other field is optional and may be
         *     null.
         *
         *     The PSB may answer as soon as the deployment is accepted (status `starting`); callers poll
         *     `GET /psb/app-services/{space}/{appServiceId}` until `running`. (The orcs k8s PSB blocked until the pod
         *     ran.) The orcs k8s PSB answered **201**, the Java Site accepts any 2xx: both 200 and 201 are declared,
         *     and callers must accept either. The body's `status` is 0 on success; callers treat any other value as a
         *     failure.
         *
         *     The app service receives `environmentVariables`, with `${<bindName>.<bindInfoKey>}` placeholders replaced
         *     by the matching `bindInfo` value of `serviceBindings` (e.g. `mongodb://${chat-db.server}/letschat`), and
         *     the bindings themselves as JSON (k8spsb: environment variable `NAZ_MS_API_K8S_BINDINGS`).
         *
         *     Resolution of `imageName`/`imageVersion`/`artifactRegistryType`/`artifactRegistryParameters` is
         *     PSB-specific: a Kubernetes PSB runs the container image `imageName:imageVersion`; the process PSB treats
         *     `imageName` as the name of a folder of runnable artifacts and documents its own resolution rules.
         *
         *     An `appServiceId` longer than this PSB's `appServiceIdMaxLength` (see `GET /psb/info`) is rejected with
         *     400. An app service with the same `appServiceId` already present in `space` answers 409.
         */
        post: operations["deployAppService"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/psb/app-services/{space}/{appServiceId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The space the app service lives in. */
                space: components["parameters"]["Space"];
                /** @description The id the Site chose when it deployed the app service. */
                appServiceId: components["parameters"]["AppServiceId"];
            };
            cookie?: never;
        };
        /**
         * Status of an app service
         * @description The state of a deployed app service. Answers **404 when the app service is unknown**; the Site relies on it to probe before deploying (404 = not there yet).
         */
        get: operations["getAppService"];
        put?: never;
        post?: never;
        /**
         * Stop and remove an app service
         * @description Stops the app service and removes everything the PSB created for it. Answers 200 with `status` 0 when done (callers treat any other `status` as a failure), 404 when the app service is unknown.
         */
        delete: operations["deleteAppService"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/psb/app-services/{space}/{appServiceId}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The space the app service lives in. */
                space: components["parameters"]["Space"];
                /** @description The id the Site chose when it deployed the app service. */
                appServiceId: components["parameters"]["AppServiceId"];
            };
            cookie?: never;
        };
        /**
         * Where to read the app service's logs
         * @description Answers the websocket `address` that streams the app service's output. Each text frame on that socket is
         *     one JSON `PSBLogMessageDTO` (`serialization` "json"): `{message, timestamp (epoch ms), messageType
         *     ("out" | "err"), serviceId}`. The server only sends; the stream ends when the socket closes.
         *
         *     Callers must treat `address` as opaque. Our PSBs serve it at the request URL with scheme `ws` (`wss`
         *     behind TLS) and the suffix `/data`, as the orcs k8s PSB did.
         */
        get: operations["getAppServiceLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Every non-2xx answer. `code` repeats the HTTP status (an integer, as the orcs DSB/CRB error schema has it); `reason` is a stable machine-readable kind (extension). */
        Error: {
            /**
             * Format: int32
             * @example 404
             */
            code: number;
            /** @example service instance 'db1' not found */
            message: string;
            /**
             * @description Extension. bad_request | not_found | conflict | unavailable | payload_too_large | internal | ...
             * @example not_found
             */
            reason?: string;
            /** @description Extension. Correlates with the service logs. */
            requestId?: string;
        };
        /**
         * @description What this PSB is.
         * @example {
         *       "name": "process-psb",
         *       "version": "1.0.0",
         *       "type": "process",
         *       "description": "Runs app services as local processes",
         *       "appServiceIdMaxLength": 50
         *     }
         */
        PSBInfoDTO: {
            /** @description Display name. */
            name: string;
            /** @description Version of this PSB. */
            version: string;
            /** @description Platform type. The Site picks the PSB whose `type` equals an app service's `psbType` (case-insensitive). */
            type: string;
            /** @description Free text. */
            description: string;
            /**
             * Format: int32
             * @description Longest `appServiceId` this PSB accepts (platform naming limits, e.g. 24 for the orcs k8s PSB). Longer ids are rejected with 400. (orcs Sites ignored this value and generated up to 50 characters.)
             */
            appServiceIdMaxLength: number;
        };
        /** @description A space app services can be deployed into. */
        PSBSpaceDTO: {
            /** @description Space name, used as `space` in the other operations. */
            name: string;
            /** @description Free-form platform attributes of the space (k8spsb sent null). */
            properties?: {
                [key: string]: string;
            } | null;
        };
        /** @description One network endpoint of a bound data service (orcs `PSBBindPortDTO`). */
        BindPort: {
            /** @description Protocol name, e.g. `tcp`. */
            protocol?: string;
            /** @description Host name or address. */
            destination?: string;
            /** Format: int32 */
            port?: number;
        };
        /** @description One data service bound to the app service (orcs `PSBServiceBindingInfoDTO`). */
        PSBServiceBindingInfoDTO: {
            /** @description The bind name (the template's dependency name, e.g. `chat-db`); used in `${<bindName>.<key>}` placeholders. */
            serviceName?: string;
            /** @description The data-service instance id at the DSB. */
            serviceId?: string;
            /** @description The DSB plan id. */
            plan?: string;
            /** @description Connection information from the DSB (e.g. `server`, `port`, `user`, `password`). */
            bindInfo?: {
                [key: string]: string;
            };
            ports?: components["schemas"]["BindPort"][];
        };
        /**
         * @description What to run (orcs `DeployAppServiceManifestDTO`). Only `appServiceId`, `space` and `imageName` are required; the other fields are optional and may be null.
         * @example {
         *       "appServiceId": "notes-notes-svc04213371234",
         *       "space": "default",
         *       "imageName": "notes-app",
         *       "imageVersion": "1.0.0",
         *       "environmentVariables": {
         *         "DATABASE_URL": "postgres://${notes-db.user}:${notes-db.password}@${notes-db.server}:${notes-db.port}/${notes-db.database}"
         *       },
         *       "artifactRegistryType": "customRest",
         *       "artifactRegistryParameters": {
         *         "url": "http://registry.local/artifacts"
         *       },
         *       "psbSettings": {},
         *       "route": "notes",
         *       "exposedPorts": [
         *         8080
         *       ],
         *       "httpPort": 8080,
         *       "serviceBindings": {
         *         "postgres-dsb": [
         *           {
         *             "serviceName": "notes-db",
         *             "serviceId": "notes-db-3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f",
         *             "plan": "standard",
         *             "bindInfo": {
         *               "server": "127.0.0.1",
         *               "port": "5432",
         *               "user": "notes",
         *               "password": "secret",
         *               "database": "notes"
         *             },
         *             "ports": [
         *               {
         *                 "protocol": "tcp",
         *                 "destination": "127.0.0.1",
         *                 "port": 5432
         *               }
         *             ]
         *           }
         *         ]
         *       }
         *     }
         */
        DeployAppServiceManifestDTO: {
            /** @description Id chosen by the Site, unique within the space. No maximum is fixed here; this PSB's limit is `appServiceIdMaxLength` of `GET /psb/info` and longer ids are rejected with 400. */
            appServiceId: string;
            /** @description A space of `GET /psb/spaces`. */
            space: string;
            /** @description What to run; resolution of imageName/imageVersion/artifactRegistry is PSB-specific (a container image for a Kubernetes PSB, the name of a folder of runnable artifacts for the process PSB). */
            imageName: string;
            /** @description Version of the image; PSB-specific default when absent. */
            imageVersion?: string | null;
            /** @description Environment of the app service. `${<bindName>.<bindInfoKey>}` placeholders are replaced with binding values. */
            environmentVariables?: {
                [key: string]: string;
            } | null;
            /** @description Kind of the Site's artifact registry the image comes from (orcs `mavenRepository` | `dockerRegistry` | `customRest`). PSBs may ignore it (k8spsb did). */
            artifactRegistryType?: string | null;
            /** @description Parameters of that registry (`url`, `username`, `password`, ...). */
            artifactRegistryParameters?: {
                [key: string]: string;
            } | null;
            /** @description PSB-specific settings from the application template. */
            psbSettings?: {
                [key: string]: string;
            } | null;
            /** @description Route/host-name hint for the public URL (URL-encoded instance name). */
            route?: string | null;
            /** @description Ports the app service listens on (a set in orcs). */
            exposedPorts?: number[] | null;
            /**
             * Format: int32
             * @description The port serving HTTP; the entry point URL points at it.
             */
            httpPort?: number | null;
            /** @description Bound data services, keyed by DSB URN; each value lists the bindings served by that DSB. */
            serviceBindings?: {
                [key: string]: components["schemas"]["PSBServiceBindingInfoDTO"][];
            } | null;
        };
        /**
         * @description Outcome of a deploy or delete (orcs `DeployAppServiceResponseDTO`).
         * @example {
         *       "status": 0,
         *       "message": "deployed"
         *     }
         */
        DeployAppServiceResponseDTO: {
            /**
             * Format: int32
             * @description 0 = success; anything else is a failure.
             */
            status: number;
            /** @description Human-readable outcome. */
            message: string;
        };
        /**
         * @description State of an app service (lower case, orcs `PSBAppServiceStatusEnum`).
         * @enum {string}
         */
        AppServiceStatus: "stopped" | "starting" | "running" | "error";
        /**
         * @description A deployed app service (orcs `PSBAppServiceInstanceDTO`).
         * @example {
         *       "name": "notes-notes-svc04213371234",
         *       "status": "running",
         *       "statusMessage": null,
         *       "instances": 1,
         *       "psbMetrics": null,
         *       "entryPointURL": "http://127.0.0.1:41234"
         *     }
         */
        PSBAppServiceInstanceDTO: {
            /** @description The `appServiceId`. */
            name: string;
            status: components["schemas"]["AppServiceStatus"];
            /** @description Why it is in that state (error details, ...). */
            statusMessage: string | null;
            /**
             * Format: int32
             * @description Number of running instances.
             */
            instances: number;
            /** @description PSB-specific metrics. */
            psbMetrics: {
                [key: string]: string;
            } | null;
            /** @description Public URL of the app service once `running` (from `httpPort`); null before. */
            entryPointURL: string | null;
        };
        /** @description Extension (not in orcs): one line of `GET /psb/app-services`. */
        PSBAppServiceSummaryDTO: {
            space: string;
            appServiceId: string;
            status: components["schemas"]["AppServiceStatus"];
            entryPointURL: string | null;
        };
        /**
         * @description Where to read logs (orcs `PSBLogsWebSocketDTO`).
         * @example {
         *       "address": "ws://127.0.0.1:8082/psb/app-services/default/notes-notes-svc04213371234/logs/data",
         *       "serialization": "json"
         *     }
         */
        PSBLogsWebSocketDTO: {
            /** @description Websocket URL (`ws://` or `wss://`) streaming `PSBLogMessageDTO` frames. */
            address: string;
            /**
             * @description Frame encoding. Our PSBs send `json`; orcs also knew `protobuf-cf-log` (Cloud Foundry).
             * @enum {string}
             */
            serialization: "json" | "protobuf-cf-log";
        };
        /**
         * @description One websocket text frame of the logs stream (not an HTTP body).
         * @example {
         *       "message": "listening on 8080",
         *       "timestamp": 1717000000000,
         *       "messageType": "out",
         *       "serviceId": "notes-notes-svc04213371234"
         *     }
         */
        PSBLogMessageDTO: {
            /** @description One line of output, without the trailing newline. */
            message: string;
            /**
             * Format: int64
             * @description When the line was produced (epoch ms).
             */
            timestamp: number;
            /**
             * @description Standard output or standard error.
             * @enum {string}
             */
            messageType: "out" | "err";
            /** @description The `appServiceId`. */
            serviceId: string;
        };
    };
    responses: {
        /** @description No credential, or one this service does not know (a bad, expired or revoked token, a JWT of another issuer or audience). Sent with `WWW-Authenticate: Bearer`. Extension (not in orcs). */
        Unauthorized: {
            headers: {
                /** @description Always `Bearer`, with `error="invalid_token"` when a credential was sent but not accepted. */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 401,
                 *       "message": "missing credential: send Authorization: Bearer <token>",
                 *       "reason": "unauthorized"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The credential is known but its role is below the one this operation declares in `x-ocopea-role`, or it is a scoped copy credential for another copy or operation. Extension (not in orcs). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 403,
                 *       "message": "this operation needs the role admin; principal 'ci' has viewer",
                 *       "reason": "forbidden"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request is invalid (missing or malformed field, `appServiceId` too long, ...). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such app service. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request conflicts with the current state (an app service with that id already exists). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The platform this PSB drives (Kubernetes API, process host, ...) cannot be reached right now. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unexpected failure. */
        Internal: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description The space the app service lives in. */
        Space: string;
        /** @description The id the Site chose when it deployed the app service. */
        AppServiceId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getPsbInfo: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The PSB description. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PSBInfoDTO"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    listSpaces: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The spaces. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "name": "default",
                     *         "properties": {}
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["PSBSpaceDTO"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    listAppServices: {
        parameters: {
            query?: {
                /** @description Only app services of this space. */
                space?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The app services. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "space": "default",
                     *         "appServiceId": "notes-notes-svc04213371234",
                     *         "status": "running",
                     *         "entryPointURL": "http://127.0.0.1:41234"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["PSBAppServiceSummaryDTO"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    deployAppService: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeployAppServiceManifestDTO"];
            };
        };
        responses: {
            /** @description Deployment accepted (`status` 0). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployAppServiceResponseDTO"];
                };
            };
            /** @description Deployment accepted (`status` 0); what the orcs k8s PSB answered. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployAppServiceResponseDTO"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    getAppService: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The space the app service lives in. */
                space: components["parameters"]["Space"];
                /** @description The id the Site chose when it deployed the app service. */
                appServiceId: components["parameters"]["AppServiceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The app service. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PSBAppServiceInstanceDTO"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    deleteAppService: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The space the app service lives in. */
                space: components["parameters"]["Space"];
                /** @description The id the Site chose when it deployed the app service. */
                appServiceId: components["parameters"]["AppServiceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed (`status` 0). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployAppServiceResponseDTO"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    getAppServiceLogs: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The space the app service lives in. */
                space: components["parameters"]["Space"];
                /** @description The id the Site chose when it deployed the app service. */
                appServiceId: components["parameters"]["AppServiceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The websocket to connect to. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PSBLogsWebSocketDTO"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
}
